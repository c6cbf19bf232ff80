package dev.benchlake.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;


/**
 * The SageMaker emulator serving {@link DemoScenario} to other hosts, for the emulator container of
 * docker-compose.yml: {@code EmulatorServer [port] [bind address]} (default 9090 on 0.0.0.0). The emulator itself
 * listens on loopback only, so a plain TCP relay forwards each connection to it. Prints
 * {@code SAGEMAKER_ENDPOINT=http://<bind>:<port>} once listening; runs until stopped.
 */
public final class EmulatorServer implements AutoCloseable {
    private final SageMakerEmulator emulator;
    private final ServerSocket listener;
    private final Thread acceptor;

    EmulatorServer(int port, InetAddress bind) throws IOException {
        this.emulator = SageMakerEmulator.start(DemoScenario.scenario(),
                new ManualClock().set(Duration.ofSeconds(DemoScenario.allDoneSeconds())));
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(bind, port), 64);
        this.acceptor = new Thread(this::accept, "emulator-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), emulator.endpoint().getPort());
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                in.transferTo(out);
                to.shutdownOutput();
            } catch (IOException e) {
                // the other side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "emulator-relay");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        emulator.close();
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9090;
        InetAddress bind = InetAddress.getByName(args.length > 1 ? args[1] : "0.0.0.0");
        EmulatorServer server = new EmulatorServer(port, bind);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                // stopping anyway
            }
            stopped.countDown();
        }));
        System.out.println("SAGEMAKER_ENDPOINT=http://" + bind.getHostAddress() + ":" + server.port() + " ("
                + DemoScenario.JOBS + " jobs, " + DemoScenario.STEPS + " benchmark steps)");
        System.out.flush();
        stopped.await();
    }
}
