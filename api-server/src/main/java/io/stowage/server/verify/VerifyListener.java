package io.stowage.server.verify;

/** Told what verify does while it runs. */
public interface VerifyListener {
    /** {@code done} of {@code total} (0: unknown) in {@code phase} ("index" or "objects"). */
    void progress(String phase, long done, long total);

    void problem(Problem problem);
}
