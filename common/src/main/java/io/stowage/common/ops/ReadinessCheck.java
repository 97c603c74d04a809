package io.stowage.common.ops;

/** Answers whether the process is ready; called on every {@code /readyz} probe, so it should be cheap. */
@FunctionalInterface
public interface ReadinessCheck {
    Readiness check();
}
