package io.lrsweep.setup;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The state an earlier attempt of the same stage left in its resume checkpoint: used only when its
 * owner tag matches and it fits the schedule; a checkpoint of another configuration or an
 * unreadable one is ignored, and said so.
 */
final class SavedAttempt {
    private SavedAttempt() {
    }

    /** A decoded resume checkpoint: the tag of the stage that wrote it and its state. */
    record Saved<T>(String owner, T state) {
    }

    /** Decodes a resume checkpoint of one setup. */
    @FunctionalInterface
    interface Decoder<T> {
        Saved<T> decode(byte[] data) throws IOException;
    }

    static <T> Optional<T> find(StageSink sink, Decoder<T> decoder, Predicate<T> fits) throws IOException {
        Optional<byte[]> saved = sink.resume();
        if (saved.isEmpty()) {
            return Optional.empty();
        }
        try {
            Saved<T> s = decoder.decode(saved.get());
            if (s.owner().equals(sink.owner()) && fits.test(s.state())) {
                return Optional.of(s.state());
            }
            sink.log("ignoring " + sink.key(StageSink.RESUME) + ": a resume checkpoint of a different configuration");
        } catch (IOException e) {
            sink.log("ignoring " + sink.key(StageSink.RESUME) + ", an unreadable resume checkpoint (" + e.getMessage()
                    + "): starting over");
        }
        return Optional.empty();
    }
}
