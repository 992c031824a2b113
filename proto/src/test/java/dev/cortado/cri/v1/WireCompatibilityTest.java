package dev.cortado.cri.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves that our .proto speaks the kubelet's wire format: every RPC has the upstream gRPC path
 * and streaming shape, and every message field and enum value has the upstream number, type and
 * label; each field, set alone, is encoded under its upstream number and decodes back to itself.
 */
class WireCompatibilityTest {

    private static CriFacts facts;
    private static final FileDescriptor FILE = CriApi.getDescriptor();

    @BeforeAll
    static void readFacts() throws Exception {
        facts = CriFacts.load();
    }

    @Test
    void packageIsRuntimeV1() {
        assertEquals("runtime.v1", facts.packageName);
        assertEquals(facts.packageName, FILE.getPackage());
    }

    @Test
    void everyRpcHasTheUpstreamPathAndShape() {
        Map<String, MethodDescriptor<?, ?>> served = new java.util.HashMap<>();
        for (ServiceDescriptor service : List.of(RuntimeServiceGrpc.getServiceDescriptor(),
                ImageServiceGrpc.getServiceDescriptor())) {
            for (MethodDescriptor<?, ?> method : service.getMethods()) {
                served.put(method.getFullMethodName(), method);
            }
        }
        Set<String> expected = new TreeSet<>();
        for (CriFacts.Rpc rpc : facts.rpcs) {
            String path = "runtime.v1." + rpc.service() + "/" + rpc.name();
            expected.add(path);
            MethodDescriptor<?, ?> method = served.get(path);
            assertNotNull(method, "missing RPC " + path);
            assertEquals(rpc.serverStreaming() ? MethodDescriptor.MethodType.SERVER_STREAMING
                    : MethodDescriptor.MethodType.UNARY, method.getType(), path);
            var protoMethod = FILE.findServiceByName(rpc.service()).findMethodByName(rpc.name());
            assertEquals(rpc.input(), protoMethod.getInputType().getName(), path + " request");
            assertEquals(rpc.output(), protoMethod.getOutputType().getName(), path + " response");
        }
        assertEquals(expected, new TreeSet<>(served.keySet()), "RPCs beyond the upstream API");
        assertEquals(35, facts.rpcs.stream().filter(r -> r.service().equals("RuntimeService")).count());
        assertEquals(6, facts.rpcs.stream().filter(r -> r.service().equals("ImageService")).count());
    }

    @Test
    void everyEnumValueHasTheUpstreamNumber() {
        Set<String> ours = new TreeSet<>();
        collectEnums(FILE.getEnumTypes(), FILE.getMessageTypes(), ours);
        assertEquals(new TreeSet<>(facts.enums.keySet()), ours, "enum sets differ");
        for (var entry : facts.enums.entrySet()) {
            EnumDescriptor type = findEnum(entry.getKey());
            assertEquals(entry.getValue().size(), type.getValues().size(), entry.getKey() + " value count");
            for (var value : entry.getValue().entrySet()) {
                EnumValueDescriptor found = type.findValueByName(value.getKey());
                assertNotNull(found, entry.getKey() + "." + value.getKey());
                assertEquals(value.getValue(), found.getNumber(), entry.getKey() + "." + value.getKey());
            }
        }
    }

    @Test
    void everyFieldHasTheUpstreamNumberTypeAndLabel() {
        Set<String> ours = new TreeSet<>();
        collectMessages(FILE.getMessageTypes(), ours);
        assertEquals(new TreeSet<>(facts.messages.keySet()), ours, "message sets differ");
        for (var entry : facts.messages.entrySet()) {
            Descriptor message = findMessage(entry.getKey());
            assertEquals(entry.getValue().size(), message.getFields().size(), entry.getKey() + " field count");
            for (CriFacts.Field fact : entry.getValue()) {
                FieldDescriptor field = message.findFieldByNumber(fact.number());
                String where = entry.getKey() + "." + fact.name();
                assertNotNull(field, where + " = " + fact.number());
                assertEquals(fact.name(), field.getName(), where);
                assertEquals(fact.type(), typeName(field), where + " type");
                boolean repeated = fact.label().equals("repeated") || fact.type().startsWith("map<");
                assertEquals(repeated, field.isRepeated(), where + " repeated");
            }
        }
    }

    @Test
    void everyFieldRoundTripsUnderItsNumber() throws Exception {
        int checked = 0;
        for (var entry : facts.messages.entrySet()) {
            Descriptor type = findMessage(entry.getKey());
            Message prototype = generatedDefault(type);
            for (CriFacts.Field fact : entry.getValue()) {
                FieldDescriptor field = type.findFieldByNumber(fact.number());
                Message.Builder builder = prototype.newBuilderForType();
                setSample(builder, field);
                Message original = builder.build();
                byte[] wire = original.toByteArray();
                CodedInputStream in = CodedInputStream.newInstance(wire);
                int tag = in.readTag();
                String where = entry.getKey() + "." + fact.name();
                assertEquals(fact.number(), WireFormat.getTagFieldNumber(tag), where + " encoded number");
                assertEquals(original, prototype.getParserForType().parseFrom(wire), where + " round trip");
                DynamicMessage dynamic = DynamicMessage.parseFrom(type, wire);
                assertTrue(field.isRepeated() ? dynamic.getRepeatedFieldCount(field) == 1 : dynamic.hasField(field),
                        where + " decoded");
                checked++;
            }
        }
        assertTrue(checked > 400, "only " + checked + " fields checked");
    }

    private static void setSample(Message.Builder builder, FieldDescriptor field) {
        Object value;
        if (field.isMapField()) {
            Message.Builder entry = builder.newBuilderForField(field);
            Descriptor entryType = field.getMessageType();
            entry.setField(entryType.findFieldByName("key"), "k");
            entry.setField(entryType.findFieldByName("value"), "v");
            builder.addRepeatedField(field, entry.build());
            return;
        }
        value = switch (field.getJavaType()) {
            case INT -> 7;
            case LONG -> 7L;
            case FLOAT -> 1.5f;
            case DOUBLE -> 2.5;
            case BOOLEAN -> true;
            case STRING -> "sample";
            case BYTE_STRING -> ByteString.copyFromUtf8("bytes");
            case ENUM -> {
                List<EnumValueDescriptor> values = field.getEnumType().getValues();
                yield values.get(values.size() - 1);
            }
            case MESSAGE -> builder.newBuilderForField(field).build();
        };
        if (field.isRepeated()) {
            builder.addRepeatedField(field, value);
        } else {
            builder.setField(field, value);
        }
    }

    private static Message generatedDefault(Descriptor type) throws Exception {
        String binaryName = "dev.cortado.cri.v1." + type.getFullName().substring("runtime.v1.".length())
                .replace('.', '$');
        return (Message) Class.forName(binaryName).getMethod("getDefaultInstance").invoke(null);
    }

    private static String typeName(FieldDescriptor field) {
        if (field.isMapField()) {
            return "map<string,string>";
        }
        return switch (field.getType()) {
            case MESSAGE -> relative(field.getMessageType().getFullName());
            case ENUM -> relative(field.getEnumType().getFullName());
            default -> field.getType().name().toLowerCase();
        };
    }

    /** Type names as the facts write them: without the package, and bare for nested types. */
    private static String relative(String fullName) {
        String name = fullName.substring("runtime.v1.".length());
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }

    private static Descriptor findMessage(String dotted) {
        String[] parts = dotted.split("\\.");
        Descriptor message = FILE.findMessageTypeByName(parts[0]);
        for (int i = 1; i < parts.length && message != null; i++) {
            message = message.findNestedTypeByName(parts[i]);
        }
        assertNotNull(message, "message " + dotted);
        return message;
    }

    private static EnumDescriptor findEnum(String dotted) {
        int dot = dotted.lastIndexOf('.');
        EnumDescriptor found = dot < 0 ? FILE.findEnumTypeByName(dotted)
                : findMessage(dotted.substring(0, dot)).findEnumTypeByName(dotted.substring(dot + 1));
        assertNotNull(found, "enum " + dotted);
        return found;
    }

    private static void collectMessages(List<Descriptor> types, Set<String> into) {
        for (Descriptor type : types) {
            if (type.getOptions().getMapEntry()) {
                continue;
            }
            into.add(type.getFullName().substring("runtime.v1.".length()));
            collectMessages(type.getNestedTypes(), into);
        }
    }

    private static void collectEnums(List<EnumDescriptor> top, List<Descriptor> messages, Set<String> into) {
        top.forEach(e -> into.add(e.getFullName().substring("runtime.v1.".length())));
        List<Descriptor> nested = new ArrayList<>(messages);
        while (!nested.isEmpty()) {
            Descriptor message = nested.remove(0);
            message.getEnumTypes().forEach(e -> into.add(e.getFullName().substring("runtime.v1.".length())));
            nested.addAll(message.getNestedTypes());
        }
    }

}
