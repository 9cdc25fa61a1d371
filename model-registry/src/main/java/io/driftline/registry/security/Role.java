package io.driftline.registry.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** What an API token may do; each role includes the ones below it (but not {@link #DEVICE}). */
public enum Role {
  /** Everything, including revoking devices and reading the audit log. */
  ADMIN,
  /** Registers models and versions, uploads artefacts, moves aliases, enrols devices, rolls out. */
  OPERATOR,
  /** Reads. */
  VIEWER,
  /** A device: reads its own desired state and artefacts, reports its state. */
  DEVICE;

  /** Returns the Spring Security authority of this role. */
  public String authority() {
    return "ROLE_" + name();
  }

  /**
   * Returns the authorities a caller with this role holds: its own and those of the roles it
   * includes (an admin is also operator and viewer). Granted up front rather than through a
   * {@code RoleHierarchy}, which formats a debug message on every authorization check.
   */
  public List<GrantedAuthority> grantedAuthorities() {
    List<GrantedAuthority> granted = new ArrayList<>();
    granted.add(new SimpleGrantedAuthority(authority()));
    if (this != DEVICE) {
      for (Role below : values()) {
        if (below.ordinal() > ordinal() && below != DEVICE) {
          granted.add(new SimpleGrantedAuthority(below.authority()));
        }
      }
    }
    return List.copyOf(granted);
  }
}
