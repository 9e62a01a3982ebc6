package io.github.grpcconsul.internal.consul;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where the ACL token comes from: nothing, a fixed value, a file, or a supplier. A file is re-read only when its
 * modification time or size changed (one {@code stat} per request), so a rotated token is picked up without a
 * restart.
 *
 * <p>Threading: thread-safe; {@link #get()} is called for every request on the thread that sends it (an HTTP thread
 * for a blocking query, the registration's executor), under this object's monitor, and may block on one {@code stat}
 * of the token file, or a read of it when it changed, or on a user's supplier.
 */
public abstract class TokenSource {
  public static final TokenSource NONE = new Fixed("");

  /** The token, or an empty string for none. Never logged. */
  public abstract String get() throws IOException;

  /** How the token is configured, without its value. */
  public abstract String describe();

  public static TokenSource of(String value) {
    return value == null || value.isEmpty() ? NONE : new Fixed(value.strip());
  }

  public static TokenSource file(Path path) {
    return new FromFile(Objects.requireNonNull(path, "tokenFile"));
  }

  public static TokenSource supplier(Supplier<String> supplier) {
    return new FromSupplier(Objects.requireNonNull(supplier, "tokenSupplier"));
  }

  private static final class Fixed extends TokenSource {
    private final String value;

    Fixed(String value) {
      this.value = value;
    }

    @Override
    public String get() {
      return value;
    }

    @Override
    public String describe() {
      return value.isEmpty() ? "none" : "(value hidden)";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Fixed && ((Fixed) o).value.equals(value);
    }

    @Override
    public int hashCode() {
      return value.hashCode();
    }
  }

  private static final class FromFile extends TokenSource {
    private final Path path;
    private FileTime cachedTime;
    private long cachedSize = -1;
    private String cachedToken;

    FromFile(Path path) {
      this.path = path;
    }

    @Override
    public synchronized String get() throws IOException {
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (IOException e) {
        throw new IOException("token file \"" + path + "\" (CONSUL_HTTP_TOKEN_FILE / tokenFile) cannot be read: "
            + e + ": create it with the token as its only content, or configure the token another way", e);
      }
      if (cachedToken == null || !attrs.lastModifiedTime().equals(cachedTime) || attrs.size() != cachedSize) {
        try {
          cachedToken = new String(Files.readAllBytes(path), StandardCharsets.UTF_8).strip();
        } catch (IOException | UncheckedIOException e) {
          throw new IOException("token file \"" + path + "\" (CONSUL_HTTP_TOKEN_FILE / tokenFile) cannot be read: "
              + e, e);
        }
        cachedTime = attrs.lastModifiedTime();
        cachedSize = attrs.size();
      }
      return cachedToken;
    }

    @Override
    public String describe() {
      return "file " + path;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FromFile && ((FromFile) o).path.equals(path);
    }

    @Override
    public int hashCode() {
      return path.hashCode();
    }
  }

  private static final class FromSupplier extends TokenSource {
    private final Supplier<String> supplier;

    FromSupplier(Supplier<String> supplier) {
      this.supplier = supplier;
    }

    @Override
    public String get() {
      String t = supplier.get();
      return t == null ? "" : t.strip();
    }

    @Override
    public String describe() {
      return "supplier";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FromSupplier && ((FromSupplier) o).supplier == supplier;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(supplier);
    }
  }
}
