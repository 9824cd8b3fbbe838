package dev.iris.controller.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file channel that fails the way a disk does, for the journal's writer: writes stop with "No space left
 * on device" once a byte budget is spent (writing what fits first, as a real full disk does), fsync can be
 * made to fail, and fsync can be held at a gate so a test decides what the next group commit holds.
 */
public final class FaultyChannel extends FileChannel {
  /** Shared by every channel one opener opens: the disk, as the writer sees it. */
  public static final class Disk implements JournalOptions.ChannelOpener {
    public final AtomicLong bytesLeft = new AtomicLong(Long.MAX_VALUE);
    public volatile boolean failForce;
    /** When set, each force takes a permit first. */
    public volatile Semaphore forceGate;
    public final AtomicInteger forces = new AtomicInteger();

    @Override
    public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
      return new FaultyChannel(FileChannel.open(path, options), this);
    }
  }

  private final FileChannel delegate;
  private final Disk disk;

  private FaultyChannel(FileChannel delegate, Disk disk) {
    this.delegate = delegate;
    this.disk = disk;
  }

  private ByteBuffer allowed(ByteBuffer src) throws IOException {
    long left = disk.bytesLeft.get();
    if (left <= 0) {
      throw new IOException("No space left on device");
    }
    if (src.remaining() <= left) {
      disk.bytesLeft.addAndGet(-src.remaining());
      return src;
    }
    disk.bytesLeft.set(0);
    return src.duplicate().limit(src.position() + (int) left);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    ByteBuffer part = allowed(src);
    int n = delegate.write(part, position);
    if (part != src) {
      src.position(src.position() + n);
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ByteBuffer part = allowed(src);
    int n = delegate.write(part);
    if (part != src) {
      src.position(src.position() + n);
    }
    return n;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    Semaphore gate = disk.forceGate;
    if (gate != null) {
      gate.acquireUninterruptibly();
    }
    disk.forces.incrementAndGet();
    if (disk.failForce) {
      throw new IOException("Input/output error");
    }
    delegate.force(metaData);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long n = 0;
    for (int i = offset; i < offset + length; i++) {
      n += write(srcs[i]);
    }
    return n;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return delegate.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return delegate.read(dsts, offset, length);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return delegate.read(dst, position);
  }

  @Override
  public long position() throws IOException {
    return delegate.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    delegate.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return delegate.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    delegate.truncate(size);
    return this;
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return delegate.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) {
    throw new UnsupportedOperationException("not used by the journal");
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return delegate.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return delegate.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return delegate.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    delegate.close();
  }
}
