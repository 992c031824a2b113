package dev.cortado.image.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.cri.v1.FilesystemIdentifier;
import dev.cortado.cri.v1.FilesystemUsage;
import dev.cortado.cri.v1.Image;
import dev.cortado.cri.v1.ImageFilter;
import dev.cortado.cri.v1.ImageFsInfoRequest;
import dev.cortado.cri.v1.ImageFsInfoResponse;
import dev.cortado.cri.v1.ImageServiceGrpc;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.ImageStatusRequest;
import dev.cortado.cri.v1.ImageStatusResponse;
import dev.cortado.cri.v1.Int64Value;
import dev.cortado.cri.v1.ListImagesRequest;
import dev.cortado.cri.v1.ListImagesResponse;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.cri.v1.PullImageResponse;
import dev.cortado.cri.v1.RemoveImageRequest;
import dev.cortado.cri.v1.RemoveImageResponse;
import dev.cortado.cri.v1.StreamImagesRequest;
import dev.cortado.cri.v1.StreamImagesResponse;
import dev.cortado.cri.v1.UInt64Value;
import dev.cortado.image.metadata.Json;
import dev.cortado.image.pull.ImagePuller;
import dev.cortado.image.reference.ImageReference;
import dev.cortado.image.snapshot.Snapshot;
import dev.cortado.image.store.ImageRecord;
import dev.cortado.image.store.ImageStore;
import dev.cortado.image.store.LayerRecord;
import dev.cortado.rpc.Rpc;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/** The CRI ImageService over cortado's image store. */
public final class ImageServiceImpl extends ImageServiceGrpc.ImageServiceImplBase {

    private static final Logger LOG = Logger.getLogger(ImageServiceImpl.class.getName());
    /** Images per StreamImages message: far below the kubelet's 16 MiB message limit. */
    static final int STREAM_PAGE = 500;

    private final ImageStore store;
    private final ImagePuller puller;
    private final Path root;
    private final ObjectMapper json = Json.newMapper();

    public ImageServiceImpl(ImageStore store, ImagePuller puller, Path root) {
        this.store = store;
        this.puller = puller;
        this.root = root;
    }

    @Override
    public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> response) {
        Rpc.run("PullImage", response, () -> {
            ImageReference reference = parseReference(request.getImage());
            ImageRecord image = puller.pull(reference, AuthConfigs.credentials(request.getAuth()));
            return PullImageResponse.newBuilder().setImageRef(image.id().toString()).build();
        });
    }

    @Override
    public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> response) {
        Rpc.run("ListImages", response, () -> ListImagesResponse.newBuilder()
                .addAllImages(filtered(request.getFilter()).stream().map(this::toImage).toList()).build());
    }

    @Override
    public void streamImages(StreamImagesRequest request, StreamObserver<StreamImagesResponse> response) {
        Rpc.stream("StreamImages", response, () -> {
            List<Image> images = filtered(request.getFilter()).stream().map(this::toImage).toList();
            for (int from = 0; from < images.size() || from == 0; from += STREAM_PAGE) {
                response.onNext(StreamImagesResponse.newBuilder()
                        .addAllImages(images.subList(from, Math.min(images.size(), from + STREAM_PAGE))).build());
            }
        });
    }

    @Override
    public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> response) {
        Rpc.run("ImageStatus", response, () -> {
            String wanted = requireImage(request.getImage());
            Optional<ImageRecord> found = store.resolve(wanted);
            ImageStatusResponse.Builder answer = ImageStatusResponse.newBuilder();
            if (found.isPresent()) {
                answer.setImage(toImage(found.get()));
                if (request.getVerbose()) {
                    answer.putInfo("info", verboseInfo(found.get()));
                }
            }
            return answer.build();
        });
    }

    @Override
    public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> response) {
        Rpc.run("RemoveImage", response, () -> {
            String wanted = requireImage(request.getImage());
            Optional<ImageRecord> found = store.resolve(wanted);
            if (found.isPresent() && store.remove(found.get().id())) {
                LOG.info("image removed: " + wanted + " id " + found.get().id());
            }
            return RemoveImageResponse.getDefaultInstance();
        });
    }

    @Override
    public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> response) {
        Rpc.run("ImageFsInfo", response, () -> {
            ImageStore.StoreUsage usage = store.usage();
            FilesystemUsage images = FilesystemUsage.newBuilder()
                    .setTimestamp(Rpc.nowNanos())
                    .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(root.toString()))
                    .setUsedBytes(UInt64Value.newBuilder().setValue(usage.bytes()))
                    .setInodesUsed(UInt64Value.newBuilder().setValue(usage.inodes()))
                    .build();
            return ImageFsInfoResponse.newBuilder().addImageFilesystems(images).build();
        });
    }

    private List<ImageRecord> filtered(ImageFilter filter) {
        String wanted = filter.hasImage() ? filter.getImage().getImage() : "";
        if (wanted.isBlank()) {
            return store.list();
        }
        return store.resolve(wanted).map(List::of).orElse(List.of());
    }

    private static String requireImage(ImageSpec spec) {
        if (spec.getImage().isBlank()) {
            throw new IllegalArgumentException("image is required: ImageSpec.image is empty");
        }
        return spec.getImage();
    }

    private static ImageReference parseReference(ImageSpec spec) {
        String text = requireImage(spec);
        try {
            return ImageReference.parse(text);
        } catch (IllegalArgumentException e) {
            String prefix = "invalid image reference \"" + text + "\"";
            if (e.getMessage() != null && e.getMessage().startsWith(prefix)) {
                throw e; // the parser already names the reference
            }
            throw new IllegalArgumentException(prefix + ": " + e.getMessage(), e);
        }
    }

    private Image toImage(ImageRecord record) {
        Image.Builder image = Image.newBuilder()
                .setId(record.id().toString())
                .addAllRepoTags(record.repoTags())
                .addAllRepoDigests(record.repoDigests())
                .setSize(record.unpackedBytes())
                .setSpec(ImageSpec.newBuilder().setImage(record.id().toString()));
        String user = record.user();
        String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        if (!name.isEmpty()) {
            try {
                image.setUid(Int64Value.newBuilder().setValue(Long.parseLong(name)));
            } catch (NumberFormatException notNumeric) {
                image.setUsername(name);
            }
        }
        return image.build();
    }

    /** What {@code crictl inspecti} shows: the layer stack from blob to snapshot directory. */
    private String verboseInfo(ImageRecord record) throws IOException {
        ObjectNode info = json.createObjectNode();
        info.put("id", record.id().toString());
        info.put("manifestDigest", record.manifestDigest().toString());
        if (record.indexDigest() != null) {
            info.put("indexDigest", record.indexDigest().toString());
        }
        info.put("manifestMediaType", record.manifestMediaType());
        info.put("pulledAt", record.pulledAt().toString());
        ArrayNode layers = info.putArray("layers");
        for (LayerRecord layer : record.layers()) {
            ObjectNode node = layers.addObject();
            node.put("blob", layer.blob().toString());
            node.put("mediaType", layer.mediaType());
            node.put("size", layer.size());
            node.put("diffID", layer.diffId().toString());
            node.put("chainID", layer.chainId().toString());
            Optional<Snapshot> snapshot = store.snapshots().get(layer.chainId());
            snapshot.ifPresent(s -> {
                node.put("snapshot", store.snapshots().fs(s).toString());
                node.put("unpackedBytes", s.bytes());
            });
        }
        info.set("config", json.readTree(store.content().read(record.id(), 8L << 20)));
        return json.writeValueAsString(info);
    }

}
