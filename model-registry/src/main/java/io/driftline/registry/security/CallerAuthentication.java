package io.driftline.registry.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/** An authenticated {@link Caller}; its only authority is its role. The token itself is not kept. */
final class CallerAuthentication extends AbstractAuthenticationToken {

  private final Caller caller;

  CallerAuthentication(Caller caller) {
    super(caller.role().grantedAuthorities());
    this.caller = caller;
    setAuthenticated(true);
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public Caller getPrincipal() {
    return caller;
  }

  @Override
  public String getName() {
    return caller.name();
  }
}
