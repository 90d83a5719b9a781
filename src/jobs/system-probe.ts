import { readFileSync, statfsSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** The machine and this process, as one health sample sees them; a figure no probe could read is null. */
export interface SystemFigures {
  /** Share of all cores busy since the previous reading, 0-100. */
  cpuPercent: number | null;
  /** This process's CPU since the previous reading, in percent of one core. */
  processCpuPercent: number | null;
  load1: number | null;
  memoryTotalBytes: number | null;
  memoryAvailableBytes: number | null;
  diskFreeBytes: number | null;
  diskTotalBytes: number | null;
  rssBytes: number;
  heapUsedBytes: number;
  /** Event-loop delay since the previous reading, ms. */
  eventLoopDelayMs: { p50: number; p99: number; max: number } | null;
  /** What could not be read, and why: a missing /proc entry is a note, never a failed sample. */
  unavailable: string[];
}

export interface SystemProbeOptions {
  /** Where /proc is (tests point it at a folder missing entries). */
  procRoot?: string;
  /** A path on the disk whose free space counts (the database's folder). */
  diskPath?: string;
}

/**
 * Reads the machine's CPU and memory from /proc (Linux's own figures: MemAvailable counts reclaimable cache,
 * which os.freemem() did not on older kernels' Node), falling back to Node's os module wherever an entry is
 * missing or unreadable (other systems, containers that hide /proc, a tightened sandbox), and times the event
 * loop with a histogram sampling every 20 ms. Each reading covers the time since the previous one.
 */
export class SystemProbe {
  private readonly procRoot: string;
  private readonly diskPath: string;
  private readonly loop: IntervalHistogram;
  private lastCpu: { busy: number; total: number } | null = null;
  private lastProcess: { usage: NodeJS.CpuUsage; at: number } | null = null;

  constructor(options: SystemProbeOptions = {}) {
    this.procRoot = options.procRoot ?? '/proc';
    this.diskPath = options.diskPath ?? process.cwd();
    this.loop = monitorEventLoopDelay({ resolution: 20 });
    this.loop.enable();
    this.lastCpu = this.readCpuTimes([]);
    this.lastProcess = { usage: process.cpuUsage(), at: performance.now() };
  }

  read(): SystemFigures {
    const unavailable: string[] = [];
    const cpu = this.readCpuTimes(unavailable);
    let cpuPercent: number | null = null;
    if (cpu && this.lastCpu && cpu.total > this.lastCpu.total) {
      cpuPercent = round1((100 * (cpu.busy - this.lastCpu.busy)) / (cpu.total - this.lastCpu.total));
    }
    this.lastCpu = cpu;

    const usage = process.cpuUsage();
    const at = performance.now();
    let processCpuPercent: number | null = null;
    if (this.lastProcess && at > this.lastProcess.at) {
      const usedUs = usage.user + usage.system - this.lastProcess.usage.user - this.lastProcess.usage.system;
      processCpuPercent = round1((100 * usedUs) / 1000 / (at - this.lastProcess.at));
    }
    this.lastProcess = { usage, at };

    const memory = this.readMemory(unavailable);
    const disk = this.readDisk(unavailable);
    const loop =
      this.loop.count > 0
        ? {
            p50: round1(this.loop.percentile(50) / 1e6),
            p99: round1(this.loop.percentile(99) / 1e6),
            max: round1(this.loop.max / 1e6),
          }
        : null;
    this.loop.reset();
    const mem = process.memoryUsage();
    const load = loadavg()[0];
    return {
      cpuPercent,
      processCpuPercent,
      load1: Number.isFinite(load) ? round1(load) : null,
      memoryTotalBytes: memory.total,
      memoryAvailableBytes: memory.available,
      diskFreeBytes: disk.free,
      diskTotalBytes: disk.total,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      eventLoopDelayMs: loop,
      unavailable,
    };
  }

  /** Stops the event-loop histogram. */
  close(): void {
    this.loop.disable();
  }

  /** Busy and total CPU time of all cores: /proc/stat's first line, else os.cpus(). */
  private readCpuTimes(unavailable: string[]): { busy: number; total: number } | null {
    const stat = this.readProc('stat', unavailable);
    if (stat !== null) {
      const line = stat.slice(0, stat.indexOf('\n'));
      const fields = line.trim().split(/\s+/).slice(1).map(Number);
      if (line.startsWith('cpu ') && fields.length >= 4 && fields.every(Number.isFinite)) {
        const total = fields.reduce((a, b) => a + b, 0);
        // idle and iowait are the not-busy columns.
        const idle = fields[3] + (fields[4] ?? 0);
        return { busy: total - idle, total };
      }
      unavailable.push(`${join(this.procRoot, 'stat')}: no cpu line`);
    }
    const list = cpus();
    if (list.length === 0) return null;
    let busy = 0;
    let total = 0;
    for (const c of list) {
      const t = c.times;
      const sum = t.user + t.nice + t.sys + t.idle + t.irq;
      total += sum;
      busy += sum - t.idle;
    }
    return { busy, total };
  }

  private readMemory(unavailable: string[]): { total: number | null; available: number | null } {
    const info = this.readProc('meminfo', unavailable);
    if (info !== null) {
      const kb = (name: string) => {
        const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(info);
        return m ? Number(m[1]) * 1024 : null;
      };
      const total = kb('MemTotal');
      const available = kb('MemAvailable');
      if (total !== null && available !== null) return { total, available };
      unavailable.push(`${join(this.procRoot, 'meminfo')}: no MemTotal/MemAvailable`);
    }
    return { total: totalmem(), available: freemem() };
  }

  private readDisk(unavailable: string[]): { free: number | null; total: number | null } {
    for (const path of [this.diskPath, dirname(this.diskPath)]) {
      try {
        const s = statfsSync(path);
        return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
      } catch {
        // The database file may not exist yet: its folder is on the same disk.
      }
    }
    unavailable.push(`disk of ${this.diskPath}: not readable`);
    return { free: null, total: null };
  }

  private readProc(entry: string, unavailable: string[]): string | null {
    const path = join(this.procRoot, entry);
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      // Not Linux, or a container without it: Node's os module stands in.
      if (process.platform === 'linux' || this.procRoot !== '/proc') {
        unavailable.push(`${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
      }
      return null;
    }
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;
