package io.github.grpcconsul.devagent;

/**
 * What the request's token may do. The dev agent knows three kinds: management (everything), read-only (all
 * reads) and anonymous (nothing, Consul's default-deny policy).
 */
final class Authz {
  static final Authz MANAGEMENT = new Authz(true, true, null);
  static final Authz ANONYMOUS = new Authz(false, false, null);

  final boolean read;
  final boolean write;
  /** The AccessorID shown in "Permission denied" texts; null for the anonymous token. */
  final String accessor;
  /** Whether the client sent a token (Consul sets X-Consul-Results-Filtered-By-ACLs only then). */
  boolean tokenGiven;

  Authz(boolean read, boolean write, String accessor) {
    this.read = read;
    this.write = write;
    this.accessor = accessor;
  }

  Authz given() {
    Authz a = new Authz(read, write, accessor);
    a.tokenGiven = true;
    return a;
  }

  void requireWrite(String permission, String resource) {
    if (!write) {
      throw deny(permission, resource);
    }
  }

  void requireRead(String permission, String resource) {
    if (!read) {
      throw deny(permission, resource);
    }
  }

  private ApiException deny(String permission, String resource) {
    return new ApiException(403, accessor == null ? Texts.permissionDenied(permission, resource)
        : Texts.permissionDeniedToken(accessor, permission, resource));
  }
}
