package dev.arborist.model.io;

import java.util.Optional;

/** Element types a safetensors header may name. Only F32, F16 and BF16 convert to float; the rest are raw bytes. */
public enum DType {
    F32("F32", 4),
    F16("F16", 2),
    BF16("BF16", 2),
    F64("F64", 8),
    I8("I8", 1),
    I16("I16", 2),
    I32("I32", 4),
    I64("I64", 8),
    U8("U8", 1),
    BOOL("BOOL", 1);

    private final String safetensorsName;
    private final int bytesPerElement;

    DType(String safetensorsName, int bytesPerElement) {
        this.safetensorsName = safetensorsName;
        this.bytesPerElement = bytesPerElement;
    }

    /** The spelling used in the header's {@code "dtype"} field. */
    public String safetensorsName() {
        return safetensorsName;
    }

    public int bytesPerElement() {
        return bytesPerElement;
    }

    /** Whether {@code readFloats} can decode this type. */
    public boolean convertsToFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** Empty for names we do not know, so the caller can build a message that names the file and tensor. */
    public static Optional<DType> fromSafetensorsName(String name) {
        for (DType t : values()) {
            if (t.safetensorsName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
