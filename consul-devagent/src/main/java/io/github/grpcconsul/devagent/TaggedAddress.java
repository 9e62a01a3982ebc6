package io.github.grpcconsul.devagent;

/** Consul's ServiceAddress: one entry of a service's TaggedAddresses. */
record TaggedAddress(String address, int port) {}
