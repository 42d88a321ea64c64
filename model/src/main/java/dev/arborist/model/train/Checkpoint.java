package dev.arborist.model.train;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.io.DType;
import dev.arborist.model.io.SafetensorsWriter;
import dev.arborist.model.io.TensorData;
import dev.arborist.model.io.TensorSource;
import dev.arborist.model.io.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training state on disk: parameters and both Adam moments in FP32, plus the step. Written
 * atomically, so an interrupted run resumes from the last complete checkpoint.
 */
final class Checkpoint {
    static final String FILE = "checkpoint.safetensors";

    private Checkpoint() {}

    static void save(Path dir, int step, Map<String, NDArray> params, AdamW optimizer) throws java.io.IOException {
        Files.createDirectories(dir);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            long[] shape = e.getValue().getShape().getShape();
            tensors.put(e.getKey(), new TensorData(shape, e.getValue().toFloatArray()));
            tensors.put("adam.m." + e.getKey(), new TensorData(shape, optimizer.firstMoments().get(i).toFloatArray()));
            tensors.put("adam.v." + e.getKey(), new TensorData(shape, optimizer.secondMoments().get(i).toFloatArray()));
            i++;
        }
        SafetensorsWriter.write(dir.resolve(FILE), tensors, Map.of("step", Integer.toString(step)), DType.F32);
    }

    static boolean exists(Path dir) {
        return dir != null && Files.isRegularFile(dir.resolve(FILE));
    }

    /** Loads the checkpoint into the parameters and optimiser. @return the step it was taken at */
    static int restore(Path dir, Map<String, NDArray> params, AdamW optimizer) {
        try (TensorSource source = SafetensorsFile.open(dir.resolve(FILE))) {
            List<float[]> first = new ArrayList<>();
            List<float[]> second = new ArrayList<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                e.getValue().set(source.readFloats(e.getKey()));
                first.add(source.readFloats("adam.m." + e.getKey()));
                second.add(source.readFloats("adam.v." + e.getKey()));
            }
            int step = Integer.parseInt(source.metadata().get("step"));
            optimizer.restore(step, first, second);
            return step;
        }
    }
}
