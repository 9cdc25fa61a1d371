package io.driftline.agent.update;

/** What became of one desired state. */
public enum UpdateOutcome {
  /** Verified and swapped in. */
  APPLIED,
  /** Already the active bundle, or a generation seen before. */
  ALREADY_ACTIVE,
  /** Not newer than the active version (anti-rollback). */
  REJECTED_ROLLBACK,
  /** Signed by another key than the pinned one. */
  REJECTED_KEY,
  /** The downloaded bytes do not have the announced SHA-256. */
  REJECTED_DIGEST,
  /** The bundle's own digest or signature does not verify against the pinned key. */
  REJECTED_SIGNATURE,
  /** The bundle names another id or version than the desired state, or does not fit the student. */
  REJECTED_CONTENT,
  /** The artefact could not be downloaded; retried with the next desired state or restart. */
  DOWNLOAD_FAILED
}
