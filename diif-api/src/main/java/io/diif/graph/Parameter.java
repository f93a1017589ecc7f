package io.diif.graph;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named float32 weight tensor bound into a {@link Graph} as a constant.
 *
 * <p>The values array is shared, not copied, because weights are large and read-only: nobody may
 * mutate it after construction. Shapes follow PyTorch: a convolution weight is
 * {@code [out, in, kh, kw]}, a dense weight {@code [out, in]}, a bias {@code [out]}.
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final float[] values;

    public Parameter(String name, int[] shape, float[] values) {
        this.name = Objects.requireNonNull(name, "name");
        this.shape = shape.clone();
        this.values = Objects.requireNonNull(values, "values");
        long count = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException(
                        "parameter " + name + " has a non-positive dimension in " + Arrays.toString(shape));
            }
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("parameter " + name + " of shape " + Arrays.toString(shape)
                    + " needs " + count + " values, got " + values.length);
        }
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int rank() {
        return shape.length;
    }

    /** The shared values, row-major; read them, never write them. */
    public float[] values() {
        return values;
    }

    /** A parameter holding a copy of this one reshaped (same element order). */
    public Parameter reshaped(String newName, int... newShape) {
        return new Parameter(newName, newShape, values);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
