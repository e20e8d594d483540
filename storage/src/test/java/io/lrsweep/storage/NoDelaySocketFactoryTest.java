package io.lrsweep.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;

/** Sockets for the S3 client, on a real listening socket of 127.0.0.1. */
class NoDelaySocketFactoryTest {
    @Test
    void everySocketItMakesHasNaglesAlgorithmOffWhereThePlatformsDefaultHasItOn() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 4, loopback);
             Socket platform = SocketFactory.getDefault().createSocket(loopback, server.getLocalPort());
             Socket unconnected = new NoDelaySocketFactory().createSocket();
             Socket byName = new NoDelaySocketFactory().createSocket("127.0.0.1", server.getLocalPort());
             Socket byAddress = new NoDelaySocketFactory().createSocket(loopback, server.getLocalPort())) {
            assertThat(platform.getTcpNoDelay()).as("the platform's default").isFalse();
            assertThat(unconnected.getTcpNoDelay()).isTrue();
            assertThat(byName.getTcpNoDelay()).isTrue();
            assertThat(byAddress.getTcpNoDelay()).isTrue();
        }
    }
}
