package io.driftline.teacher.jobs;

/**
 * Thrown to a worker that writes to a job it no longer owns: the job was taken over after its
 * heartbeat went stale, so this worker must stop without touching it.
 */
public class JobLostException extends RuntimeException {

  /** Creates the exception for a job. */
  public JobLostException(String jobId) {
    super("job " + jobId + " is no longer owned by this worker (taken over after a stale heartbeat)");
  }
}
