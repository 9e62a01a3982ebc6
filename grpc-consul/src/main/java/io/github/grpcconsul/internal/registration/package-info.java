/**
 * Internal to grpc-consul: not a public API. Everything in this package may change or be removed in any release
 * without notice; depend only on {@code io.github.grpcconsul.consul}, {@code io.github.grpcconsul.resolver} and
 * {@code io.github.grpcconsul.registration}.
 */
package io.github.grpcconsul.internal.registration;
