package io.github.grpcconsul.examples.hello;

import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The hello service: {@code Say} answers {@code [<instance id>] <text>} and logs the reply. */
public final class HelloService extends HelloGrpc.HelloImplBase {
  private static final Logger logger = Logger.getLogger(HelloService.class.getName());

  private final String instanceId;

  /** A service answering as {@code instanceId}. */
  public HelloService(String instanceId) {
    this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
  }

  @Override
  public void say(HelloReq request, StreamObserver<HelloResp> responseObserver) {
    String reply = "[" + instanceId + "] " + request.getText();
    if (logger.isLoggable(Level.INFO)) {
      logger.info("replied " + reply);
    }
    responseObserver.onNext(HelloResp.newBuilder().setText(reply).build());
    responseObserver.onCompleted();
  }

  /** The instance id in a reply of this service, or {@code null} when the text has none. */
  public static String instanceOf(String replyText) {
    if (!replyText.startsWith("[")) {
      return null;
    }
    int end = replyText.indexOf(']');
    return end < 0 ? null : replyText.substring(1, end);
  }
}
