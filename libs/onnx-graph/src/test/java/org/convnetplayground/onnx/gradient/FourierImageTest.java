package org.convnetplayground.onnx.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Fourier image graph against a direct inverse DFT in double, and its generated vector-Jacobian product. */
class FourierImageTest {

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"6, 8", "5, 7", "9, 4"})
    void isTheScaledInverseRealDftOverFour(int h, int w) throws Exception {
        int wf = FourierImage.halfWidth(w);
        long[] shape = FourierImage.spectrumShape(h, w);
        float[] spectrum = GradientCheck.gaussian(new Random(h * 31 + w), (int) (shape[0] * shape[1] * shape[2]), 1);
        float[] image;
        try (OrtSession s = GradientCheck.ENV.createSession(FourierImage.graph(h, w));
             OnnxTensor t = OnnxTensor.createTensor(GradientCheck.ENV, FloatBuffer.wrap(spectrum), shape);
             OrtSession.Result r = s.run(Map.of(FourierImage.SPECTRUM, t))) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            image = new float[b.remaining()];
            b.get(image);
        }
        assertEquals(3 * h * w, image.length);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // numpy's irfft2 (ifft along the height, then irfft along the width), written out:
                    // Σ over the half spectrum of c_k Re(X[ky,k] e^{2πi(ky y/h + k x/w)}), c_k = 1 for the constant
                    // and Nyquist columns and 2 otherwise, over h w
                    double sum = 0;
                    for (int ky = 0; ky < h; ky++) {
                        double fy = (ky <= (h - 1) / 2 ? ky : ky - h) / (double) h;
                        for (int k = 0; k < wf; k++) {
                            double fx = k / (double) w;
                            double scale = Math.sqrt((double) h * w)
                                    / Math.max(Math.sqrt(fx * fx + fy * fy), 1.0 / Math.max(h, w));
                            double re = spectrum[(c * h + ky) * 2 * wf + k] * scale;
                            double im = spectrum[(c * h + ky) * 2 * wf + wf + k] * scale;
                            double weight = k == 0 || (w % 2 == 0 && k == w / 2) ? 1 : 2;
                            double angle = 2 * Math.PI * ((double) ky * y / h + (double) k * x / w);
                            sum += weight * (re * Math.cos(angle) - im * Math.sin(angle));
                        }
                    }
                    double expected = sum / (h * w) / 4;
                    assertEquals(expected, image[(c * h + y) * w + x], 1e-4 * (1 + Math.abs(expected)),
                            "pixel " + c + "," + y + "," + x);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"6, 8", "5, 7"})
    void itsGradientMatchesFiniteDifferences(int h, int w) throws Exception {
        long[] shape = FourierImage.spectrumShape(h, w);
        try (GradientCheck c = new GradientCheck(OnnxModel.parse(FourierImage.graph(h, w)), shape,
                new Objective.Weighted(FourierImage.IMAGE, false))) {
            c.checkWeighted(11, 1e-2, 1e-3);
        }
    }
}
