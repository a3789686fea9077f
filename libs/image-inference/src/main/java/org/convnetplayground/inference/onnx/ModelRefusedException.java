package org.convnetplayground.inference.onnx;

import org.convnetplayground.errors.VerificationFailedException;

/**
 * A model file this service will not hand to ONNX Runtime: one whose tensors keep their values in other files
 * (ONNX external data), which the runtime would open by the paths the model names.
 */
public class ModelRefusedException extends VerificationFailedException {

    ModelRefusedException(String detail) {
        super("Model refused", detail, null, null);
    }
}
