package io.github.grpcconsul.devagent;

/** One key of the KV store (Consul's DirEntry). */
record KvEntry(String key, byte[] value, long flags, long createIndex, long modifyIndex, long lockIndex) {}
