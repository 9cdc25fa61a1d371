package io.driftline.registry.security;

/** What an API token may do; each role includes the ones below it. */
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
}
