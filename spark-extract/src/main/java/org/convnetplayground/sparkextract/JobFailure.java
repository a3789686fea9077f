package org.convnetplayground.sparkextract;

/** A job that cannot run as asked: the message says what is wrong and what would be right. Printed, never a trace. */
class JobFailure extends RuntimeException {

    JobFailure(String message) {
        super(message);
    }
}
