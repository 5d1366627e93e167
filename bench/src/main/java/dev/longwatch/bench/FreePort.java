package dev.longwatch.bench;

import java.net.InetAddress;
import java.net.ServerSocket;

/** Prints a free loopback port (for bench/run to start local-dev on; other builds share this machine). */
public final class FreePort {
    private FreePort() {
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.out.println(s.getLocalPort());
        }
    }
}
