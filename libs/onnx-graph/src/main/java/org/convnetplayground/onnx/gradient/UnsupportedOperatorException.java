package org.convnetplayground.onnx.gradient;

import org.convnetplayground.errors.InvalidInputException;

/**
 * The gradient cannot be generated because a node between the input and the objective's layer uses an operator
 * (or a form of one) that the generator has no rule for. Refusing is the point: a partial rule would give a wrong
 * gradient.
 */
public final class UnsupportedOperatorException extends InvalidInputException {

    private final String operator;
    private final String node;

    public UnsupportedOperatorException(String operator, String node, String why) {
        super("Unsupported operator", "cannot compute gradients through operator " + operator + " (node '" + node
                + "')" + (why == null || why.isEmpty() ? "" : ": " + why) + "; supported operators: "
                + GradientGraphs.SUPPORTED, new Details("operator", operator, null, null));
        this.operator = operator;
        this.node = node;
    }

    /** The ONNX operator, e.g. "Resize". */
    public String operator() {
        return operator;
    }

    /** The node's name (or its first output when it has none). */
    public String node() {
        return node;
    }
}
