package dev.iris.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.StoreEvent;
import dev.iris.rpc.EventKind;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProtoMapperTest {

  @Test
  void everyEventKindOfTheContractIsTheImageOfExactlyOneStoreEventKind() {
    Set<EventKind> images = Arrays.stream(StoreEvent.Kind.values()).map(ProtoMapper::toProto)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(EventKind.class)));
    assertThat(images).hasSize(StoreEvent.Kind.values().length);
    assertThat(images).containsExactlyInAnyOrderElementsOf(Arrays.stream(EventKind.values())
        .filter(k -> k != EventKind.EVENT_KIND_UNSPECIFIED && k != EventKind.UNRECOGNIZED).toList());
    Arrays.stream(StoreEvent.Kind.values()).forEach(k ->
        assertThat(ProtoMapper.toProto(k).name()).isEqualTo("EVENT_KIND_" + k.name()));
  }
}
