package org.convnetplayground.inference.onnx;

import org.convnetplayground.errors.InternalFailureException;

/** ONNX Runtime could not load a model or run it; the message carries what the runtime said. */
public class InferenceFailedException extends InternalFailureException {

    private InferenceFailedException(String title, String detail, Throwable cause) {
        super(title, detail, null, cause);
    }

    /** A session could not be created for the model. */
    static InferenceFailedException cannotLoad(String detail, Throwable cause) {
        return new InferenceFailedException("Model cannot run", detail, cause);
    }

    /** A forward pass failed. */
    static InferenceFailedException failed(String detail, Throwable cause) {
        return new InferenceFailedException("Inference failed", detail, cause);
    }
}
