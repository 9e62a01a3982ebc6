/**
 * The library's metrics, internal: may change without notice. {@link io.github.grpcconsul.internal.metrics.ConsulMetrics}
 * is the facade the other packages call; it has no OpenTelemetry types, and neither have
 * {@link io.github.grpcconsul.internal.metrics.WatchMetrics} and
 * {@link io.github.grpcconsul.internal.metrics.RegistrationMetrics}, the plain fields the change path updates. The one
 * class that uses the OpenTelemetry API ({@code OtelMetrics}) is loaded by reflection, only when the API is on the
 * class path; it reads those fields from asynchronous instruments' callbacks at collection time.
 */
package io.github.grpcconsul.internal.metrics;
