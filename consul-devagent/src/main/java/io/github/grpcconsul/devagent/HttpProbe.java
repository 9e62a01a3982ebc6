package io.github.grpcconsul.devagent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Consul's HTTP check: 2xx passing, 429 warning, anything else critical. Runs on the probe pool (it blocks). */
final class HttpProbe {
  private HttpProbe() {}

  static ProbeResult run(CheckDef def, Duration timeout) {
    String method = def.method().isEmpty() ? "GET" : def.method();
    String url = def.http();
    HttpURLConnection conn = null;
    try {
      conn = (HttpURLConnection) URI.create(url).toURL().openConnection();
      if (conn instanceof HttpsURLConnection https && def.tlsSkipVerify()) {
        https.setSSLSocketFactory(trustAll().getSocketFactory());
        https.setHostnameVerifier((h, s) -> true);
      }
      int millis = (int) Math.max(1, timeout.toMillis());
      conn.setConnectTimeout(millis);
      conn.setReadTimeout(millis);
      conn.setInstanceFollowRedirects(!def.disableRedirects());
      conn.setUseCaches(false);
      conn.setRequestMethod(method);
      conn.setRequestProperty("User-Agent", "Consul Health Check");
      conn.setRequestProperty("Accept", "text/plain, text/*, */*");
      conn.setRequestProperty("Connection", "close");
      for (Map.Entry<String, List<String>> h : def.header().entrySet()) {
        for (String v : h.getValue()) {
          conn.addRequestProperty(h.getKey(), v);
        }
      }
      if (!def.body().isEmpty()) {
        conn.setDoOutput(true);
        try (OutputStream out = conn.getOutputStream()) {
          out.write(def.body().getBytes(StandardCharsets.UTF_8));
        }
      }
      int code = conn.getResponseCode();
      String reason = conn.getResponseMessage() == null ? "" : " " + conn.getResponseMessage();
      String body = readBody(code >= 400 ? conn.getErrorStream() : conn.getInputStream());
      String output = "HTTP " + method + " " + url + ": " + code + reason + " Output: " + body;
      String status = code >= 200 && code < 300 ? CheckStatus.PASSING
          : code == 429 ? CheckStatus.WARNING : CheckStatus.CRITICAL;
      return new ProbeResult(status, output);
    } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
      String verb = method.substring(0, 1) + method.substring(1).toLowerCase(java.util.Locale.ROOT);
      return new ProbeResult(CheckStatus.CRITICAL, verb + " \"" + url + "\": " + e);
    } finally {
      if (conn != null) {
        conn.disconnect();
      }
    }
  }

  private static String readBody(InputStream in) throws IOException {
    if (in == null) {
      return "";
    }
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      int n;
      while ((n = in.read(buf)) > 0 && out.size() <= ProbeResult.OUTPUT_MAX_SIZE) {
        out.write(buf, 0, n);
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private static SSLContext trustAll() throws GeneralSecurityException {
    TrustManager tm = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {tm}, null);
    return ctx;
  }
}
