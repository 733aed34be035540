/* SPDX-License-Identifier: MIT */
/*
 * A multiboot v1 test kernel for `irqlab boot` and QEMU's -kernel alike: it checks the boot
 * contract QEMU's pc machine gives such kernels, prints TAP on COM1, and ends the machine the
 * way its command line asks: `exit=N` (isa-debug-exit, default 0; any failed check makes it 1),
 * `shutdown` (the "Shutdown" string on port 0x8900), `crash` (a triple fault), `hang`; and
 * `work=N` runs 2N instructions first, so a benchmark can weigh the cost of guest instructions;
 * `fifo` writes the serial output through the UART's FIFO (see console.c); `s3` sleeps to S3
 * and wakes by the RTC alarm (see s3.c).
 */
#include "mbk.h"

#define NCHECKS 20

static void mask_pic(void)
{
	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
}

static void shutdown_port(void)
{
	for (const char *p = "Shutdown"; *p; p++)
		outb(SHUTDOWN_PORT, (uint8_t)*p);
}

static __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* No IDT (limit 0): the #UD cannot be delivered, nor the #GP and #DF that follow, so the CPU
 * shuts down (SDM Vol. 3A 6.15, interrupt 8: a fault while delivering #DF). */
static __attribute__((noreturn)) void triple_fault(void)
{
	static const struct __attribute__((packed)) { uint16_t limit; uint32_t base; } no_idt = { 0, 0 };

	__asm__ volatile("lidt %0; ud2" :: "m"(no_idt));
	halt_forever();
}

/* N trips around a two-instruction loop. */
static void spin(uint32_t n)
{
	if (n)
		__asm__ volatile("1: dec %0; jnz 1b" : "+r"(n) :: "cc");
}

__attribute__((noreturn)) void finish(const struct boot *b)
{
	uint32_t value = tap_failures() ? 1 : b->exit_value;

	uart_flush();

	switch (b->action) {
	case ACT_SHUTDOWN:
		puts("# shutdown\n");
		shutdown_port();
		break;
	case ACT_CRASH:
		puts("# triple fault\n");
		triple_fault();
	case ACT_HANG:
		puts("# hang\n");
		break;
	case ACT_EXIT:
		outl(DEBUG_EXIT_PORT, value);
		shutdown_port();              /* no isa-debug-exit: the Bochs/QEMU fallback */
		break;
	}
	halt_forever();
}

void kmain(uint32_t magic, const struct mb_info *mbi)
{
	static struct boot b;

	b.magic = magic;
	b.mbi = magic == MB_BOOT_MAGIC ? mbi : NULL; /* EBX means nothing without the magic */
	mask_pic();                      /* the 8259 stays quiet: no IDT here */
	args_parse(&b);                  /* argv from the command line, behaviour options */
	uart_init(b.fifo);               /* 115200 8N1 through the divisor latch */
	fwcfg_read(&b.fw);               /* RAM size and CPU count, as a kernel learns them */
	env_parse(&b);                   /* KEY=VALUE lines from the module */
	mmap_scan(&b);                   /* the memory map, summed up */
	tap_plan(NCHECKS);
	check_magic(&b);
	check_entry_state(&b);
	check_info_flags(&b);
	check_mmap(&b);
	check_mem_sizes(&b);
	check_argv0(&b);
	check_argc(&b);
	check_vendor(&b);
	check_module(&b);
	check_env(&b);
	check_fwcfg(&b);
	check_fwcfg_cpus(&b);
	check_acpi(&b);                  /* the RSDP's tables: MADT CPUs = fw_cfg's; the PM timer */
	tap_ok(uart_divisor_latched(), "uart dlab");
	check_rtc();                     /* BCD time, status B and D */
	check_testdev(&b);               /* with `testdev`: data register, iomem, an IRQ line */
	check_absent();                  /* an absent port reads all-ones */
	check_cpu_features(&b);          /* has=NAME, lacks=NAME: CPUID feature bits */
	smp_bringup(&b);                 /* trampoline at page 0, INIT-SIPI-SIPI, bounded wait */
	check_smp(&b);
	check_s3(&b);                    /* with `s3`: the last check; a wake ends in s3_resumed() */
	spin(b.work);                    /* work=N, for benchmarks */
	finish(&b);
}
