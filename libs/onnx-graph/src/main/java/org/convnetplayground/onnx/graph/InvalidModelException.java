package org.convnetplayground.onnx.graph;

/** The bytes are not an ONNX model this system can use; the message says why, for the user. */
public class InvalidModelException extends IllegalArgumentException {
    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
