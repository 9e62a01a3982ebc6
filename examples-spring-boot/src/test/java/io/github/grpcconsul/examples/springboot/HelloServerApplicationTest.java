package io.github.grpcconsul.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpcconsul.examples.hello.HelloGrpc;
import io.github.grpcconsul.examples.hello.HelloReq;
import io.github.grpcconsul.examples.springboot.server.HelloServerApplication;
import io.github.grpcconsul.spring.boot.test.AutoConfigureConsulDevAgent;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.grpc.client.GrpcChannelFactory;

/** The README's test example: the hello server registers in the dev agent and answers through consul:///. */
@SpringBootTest(classes = HelloServerApplication.class,
    properties = {"spring.application.name=helloserver", "spring.grpc.server.port=0"})
@AutoConfigureConsulDevAgent
class HelloServerApplicationTest {
  @Autowired GrpcChannelFactory channels;

  @Test
  void answersThroughConsul() {
    HelloGrpc.HelloBlockingStub hello = HelloGrpc.newBlockingStub(channels.createChannel("consul:///helloserver"));
    String reply = hello.withWaitForReady().withDeadlineAfter(30, TimeUnit.SECONDS)
        .say(HelloReq.newBuilder().setText("hi").build()).getText();
    assertThat(reply).matches("\\[helloserver-.+-\\d+\\] hi");
  }
}
