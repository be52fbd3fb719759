package io.sluice.log;

/** A leader epoch and the first offset written in it. */
public record EpochEntry(int epoch, long startOffset) {
}
