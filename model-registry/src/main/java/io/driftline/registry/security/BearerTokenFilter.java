package io.driftline.registry.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>}. A request without the header goes on
 * anonymous (and is refused with 401 where a role is needed); a present but unknown token is
 * refused at once with 401.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

  private static final String PREFIX = "Bearer ";

  private final TokenAuthenticator authenticator;
  private final ProblemResponses problems;

  BearerTokenFilter(TokenAuthenticator authenticator, ProblemResponses problems) {
    this.authenticator = authenticator;
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      chain.doFilter(request, response);
      return;
    }
    if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      problems.write(request, response, 401, "Unauthorized",
          "the Authorization header must be 'Bearer <token>'");
      return;
    }
    Optional<Caller> caller = authenticator.authenticate(header.substring(PREFIX.length()).trim());
    if (caller.isEmpty()) {
      problems.write(request, response, 401, "Unauthorized",
          "the bearer token is unknown or was revoked");
      return;
    }
    try {
      SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(caller.get()));
      chain.doFilter(request, response);
    } finally {
      SecurityContextHolder.clearContext();
    }
  }
}
