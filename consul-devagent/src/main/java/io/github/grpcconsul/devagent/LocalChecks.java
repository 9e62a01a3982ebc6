package io.github.grpcconsul.devagent;

/** Told by the state store, under its lock, when an agent-run check starts or goes away; must not block. */
interface LocalChecks {
  void started(CheckDef def, CheckEntry entry);

  void stopped(String checkId);

  /** A TTL check got an update: re-arm its timer. */
  void ttlUpdated(String checkId);

  LocalChecks NONE = new LocalChecks() {
    @Override
    public void started(CheckDef def, CheckEntry entry) {}

    @Override
    public void stopped(String checkId) {}

    @Override
    public void ttlUpdated(String checkId) {}
  };
}
