package io.github.grpcconsul.internal.consul;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A Consul KV entry. The value is decoded from Consul's base64; a key stored without a value has an empty value.
 *
 * <p>Threading: immutable; parsed on the HTTP completion thread, read from any thread; decoding its value never
 * blocks.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class KvPair {
  private final String key;
  private final byte[] value;
  private final long flags;
  private final long createIndex;
  private final long modifyIndex;
  private final long lockIndex;
  private final String session;

  KvPair(String key, byte[] value, long flags, long createIndex, long modifyIndex, long lockIndex, String session) {
    this.key = Objects.requireNonNull(key, "key");
    this.value = value == null ? new byte[0] : value.clone();
    this.flags = flags;
    this.createIndex = createIndex;
    this.modifyIndex = modifyIndex;
    this.lockIndex = lockIndex;
    this.session = session == null ? "" : session;
  }

  public String key() {
    return key;
  }

  /** A copy of the raw value. */
  public byte[] value() {
    return value.clone();
  }

  /** The value decoded as UTF-8. */
  public String valueAsString() {
    return new String(value, StandardCharsets.UTF_8);
  }

  public long flags() {
    return flags;
  }

  public long createIndex() {
    return createIndex;
  }

  public long modifyIndex() {
    return modifyIndex;
  }

  public long lockIndex() {
    return lockIndex;
  }

  /** The session holding the lock, or empty. */
  public String session() {
    return session;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof KvPair)) {
      return false;
    }
    KvPair p = (KvPair) o;
    return key.equals(p.key) && Arrays.equals(value, p.value) && flags == p.flags && createIndex == p.createIndex
        && modifyIndex == p.modifyIndex && lockIndex == p.lockIndex && session.equals(p.session);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(value), flags, modifyIndex);
  }

  @Override
  public String toString() {
    return "KvPair{" + key + ", " + value.length + " bytes, modifyIndex=" + modifyIndex + "}";
  }
}
