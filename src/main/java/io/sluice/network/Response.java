package io.sluice.network;

import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;

/** What the network layer does once a request has been handled. */
public sealed interface Response {

    /** Write a response frame: header then body, each in its own version. */
    record Send(ResponseHeaderData header, short headerVersion, ApiMessage body, short bodyVersion) implements Response {
    }

    /** Nothing goes back (acks=0 produce); the connection moves on to the next request. */
    record None() implements Response {
    }

    /** The request was unreadable or not allowed; Kafka closes the connection in that case. */
    record Close(String reason) implements Response {
    }

    Response NONE = new None();
}
