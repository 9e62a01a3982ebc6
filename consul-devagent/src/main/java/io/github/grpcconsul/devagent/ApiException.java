package io.github.grpcconsul.devagent;

/** An HTTP error answered as Consul does: a status and a plain-text body. */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;
  final String allow;

  ApiException(int status, String body) {
    this(status, body, null);
  }

  ApiException(int status, String body, String allow) {
    super(body, null, false, false);
    this.status = status;
    this.allow = allow;
  }

  static ApiException badRequest(String body) {
    return new ApiException(400, body);
  }

  static ApiException notFound(String body) {
    return new ApiException(404, body);
  }
}
