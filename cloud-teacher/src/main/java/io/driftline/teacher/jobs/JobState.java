package io.driftline.teacher.jobs;

/** Where an adaptation job is: queued → labelling → training → gating → published, rejected or failed. */
public enum JobState {
  /** Waiting for samples or for a worker. */
  QUEUED,
  /** Gathering the cohort's samples and labelling them with the teacher. */
  LABELLING,
  /** Learning prompts and adaptors. */
  TRAINING,
  /** Gating the variants, then registering and rolling out those that pass. */
  GATING,
  /** At least one variant passed its gate and was rolled out. */
  PUBLISHED,
  /** No variant passed its gate; nothing was rolled out. */
  REJECTED,
  /** The job could not finish (see its reason); nothing was rolled out by the failing run. */
  FAILED;

  /** Whether the job has ended. */
  public boolean terminal() {
    return this == PUBLISHED || this == REJECTED || this == FAILED;
  }

  /** Whether a worker is running the job. */
  public boolean running() {
    return this == LABELLING || this == TRAINING || this == GATING;
  }
}
