package io.lrsweep.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Store requests started on virtual threads, so that independent round trips overlap: a request
 * to a remote store spends its time waiting for the answer, not computing.
 */
public final class StoreCalls {
    static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

    private StoreCalls() {
    }

    /** A store request that may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws IOException;
    }

    /** Starts {@code call} now; {@link #join} gives its result or its exception. */
    public static <T> Future<T> start(Call<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, THREADS);
    }

    /** The result of a started call; its {@link IOException} is thrown as it was (same type). */
    public static <T> T join(Future<T> started) throws IOException {
        try {
            return started.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the store");
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    private static IOException rethrown(Throwable cause) {
        if (cause instanceof UncheckedIOException u) {
            return u.getCause();
        }
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IOException(cause);
    }
}
