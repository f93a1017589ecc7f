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

    /**
     * Binds values to a name and a shape.
     *
     * @param name the weight's name in the model file, shown in errors
     * @param shape positive dimensions (copied)
     * @param values exactly as many values as the shape holds, row-major (shared, not copied)
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a dimension is not positive or the value count does not match
     */
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

    /**
     * The weight's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The shape.
     *
     * @return the dimensions, in a new array
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * One dimension of the shape.
     *
     * @param axis the axis, from 0 to {@code rank() - 1}
     * @return its size
     * @throws ArrayIndexOutOfBoundsException if there is no such axis
     */
    public int dim(int axis) {
        return shape[axis];
    }

    /**
     * The number of dimensions.
     *
     * @return the rank
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The values themselves; read them, never write them.
     *
     * @return the shared values, row-major
     */
    public float[] values() {
        return values;
    }

    /**
     * The same values under another name and shape (same element order, the array shared).
     *
     * @param newName the new parameter's name
     * @param newShape a shape holding as many values
     * @return the reshaped parameter
     * @throws IllegalArgumentException if {@code newShape} holds a different number of values
     */
    public Parameter reshaped(String newName, int... newShape) {
        return new Parameter(newName, newShape, values);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
