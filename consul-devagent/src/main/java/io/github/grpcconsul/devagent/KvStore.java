package io.github.grpcconsul.devagent;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The KV store: entries, tombstones (so a prefix read's index does not go back on delete) and the KV index. */
final class KvStore {
  private final StoreLock lock;
  private final IndexWaiters index;
  private final TreeMap<String, KvEntry> kv = new TreeMap<>();
  private final TreeMap<String, Long> tombstones = new TreeMap<>();
  private long kvIndex;

  KvStore(StoreLock lock, IndexWaiters index) {
    this.lock = lock;
    this.index = index;
  }

  KvEntry get(String key) {
    lock.requireHeld();
    return kv.get(key);
  }

  List<KvEntry> list(String prefix) {
    lock.requireHeld();
    return new ArrayList<>(prefix.isEmpty() ? kv.values() : kv.subMap(prefix, prefix + Character.MAX_VALUE).values());
  }

  /** Consul's index for a KV read: the key's modify index, else the max over the prefix and its tombstones. */
  long index(String key, boolean prefix) {
    lock.requireHeld();
    long idx = 0;
    if (!prefix) {
      KvEntry e = kv.get(key);
      if (e != null) {
        return e.modifyIndex();
      }
      return Math.max(kvIndex, 1);
    }
    for (KvEntry e : list(key)) {
      idx = Math.max(idx, e.modifyIndex());
    }
    for (long t : (key.isEmpty() ? tombstones : tombstones.subMap(key, key + Character.MAX_VALUE)).values()) {
      idx = Math.max(idx, t);
    }
    return idx == 0 ? Math.max(kvIndex, 1) : idx;
  }

  /** Writes a key; with cas, only if the modify index matches (0 = only if absent). */
  boolean put(String key, byte[] value, Long flags, Long cas) {
    lock.requireHeld();
    KvEntry old = kv.get(key);
    if (cas != null && (old == null ? cas != 0 : old.modifyIndex() != cas)) {
      return false;
    }
    long idx = index.allocate();
    long f = flags != null ? flags : old != null ? old.flags() : 0;
    kv.put(key, new KvEntry(key, value, f, old != null ? old.createIndex() : idx, idx, old != null ? old.lockIndex()
        : 0));
    tombstones.remove(key);
    changed(idx);
    return true;
  }

  boolean delete(String key, boolean recurse, Long cas) {
    lock.requireHeld();
    if (recurse) {
      List<KvEntry> victims = list(key);
      if (!victims.isEmpty()) {
        long idx = index.allocate();
        for (KvEntry e : victims) {
          kv.remove(e.key());
          tombstones.put(e.key(), idx);
        }
        changed(idx);
      }
      return true;
    }
    KvEntry old = kv.get(key);
    if (cas != null && (old == null || old.modifyIndex() != cas)) {
      return cas == 0 && old == null;
    }
    if (old != null) {
      long idx = index.allocate();
      kv.remove(key);
      tombstones.put(key, idx);
      changed(idx);
    }
    return true;
  }

  private void changed(long idx) {
    kvIndex = idx;
    index.touch(StateStore.TOPIC_KV);
  }
}
