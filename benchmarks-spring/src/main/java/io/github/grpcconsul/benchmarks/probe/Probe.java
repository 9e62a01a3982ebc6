package io.github.grpcconsul.benchmarks.probe;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The one RPC of the scenario benchmark: an empty request answered with the serving instance's id.
 *
 * <p>Defined by hand with a bytes marshaller rather than generated from a proto so that the grpc-spring client, whose
 * module has no protobuf code generation, calls exactly the same method as our client.
 */
public final class Probe {

  /** Full service name as servers register it. */
  public static final String SERVICE = "grpcconsul.bench.Probe";

  /** {@code Who}: empty request, UTF-8 instance id as the response. */
  public static final MethodDescriptor<byte[], byte[]> WHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Who"))
          .setRequestMarshaller(BytesMarshaller.INSTANCE)
          .setResponseMarshaller(BytesMarshaller.INSTANCE)
          .build();

  private Probe() {}

  private enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
