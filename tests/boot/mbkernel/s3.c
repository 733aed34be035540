/* SPDX-License-Identifier: MIT */
/*
 * S3 the way kvm-unit-tests' s3 test asks for it (with `s3` on the command line): the FADT's
 * FACS gets a waking vector and a real-mode stub there (entry.asm: back to protected mode, a
 * fresh stack, s3_resumed()); PM1_EN enables the RTC wake; the RTC alarm is set to don't-care
 * once status A's UIP has risen and fallen (an update just happened: it fires at the next
 * second); then SLP_EN with SLP_TYP = 1 (QEMU's S3). QEMU reloads the kernel image on the wake's
 * reset, so what the check needs afterwards is kept in a record beside the waking vector. After
 * the wake: WAK_STS in PM1_STS, the RTC's alarm enable cleared by the reset, and the other CPUs
 * start again from INIT-SIPI-SIPI. It is the last check: the wake path finishes the run.
 * With `nowake` too, PM1_EN stays clear: the machine sleeps for good (QEMU: until killed); with
 * `far`, the alarm is 30 s away.
 */
#include "mbk.h"

#define WAKE_VECTOR        0x1000u    /* as kvm-unit-tests: a page below 1 MiB nobody else uses */
#define RECORD_ADDR        0x1800u    /* struct s3_record, in the same page */
#define RECORD_MAGIC       0x53335245u
#define FADT_FIRMWARE_CTRL 36u
#define FADT_PM1A_EVT_BLK  56u
#define FADT_PM1A_CNT_BLK  64u
#define FACS_WAKING_VECTOR 12u
#define PM1_EN             2u         /* PM1_EN's offset in the event block */
#define PM1_RTC            0x0400u    /* RTC_STS / RTC_EN */
#define PM1_WAK_STS        0x8000u
#define PM1_SLEEP_S3       0x2400u    /* SLP_EN | SLP_TYP 1 */
#define RTC_A_UIP          0x80
#define RTC_B_AIE          0x20
#define RTC_ALARM_ANY      0xC0
#define UIP_WAIT_CYCLES    (16ull << 30)   /* UIP rises once a second: ~6 s at 3 GHz is plenty */
#define AWAKE_SPIN_CYCLES  (4ull << 30)    /* ~1.5 s: QEMU may stop the CPU a little late */

extern char wake_start[], wake_end[];

/* What the wake path needs, outside the kernel image. */
struct s3_record {
	uint32_t magic;
	int tap_count, tap_failures;
	enum action action;
	uint32_t exit_value, ncpus;
	uint16_t pm1_evt;
	bool fifo, uip_rose, uip_fell;
};

/* Until status A's UIP reads `level`, within UIP_WAIT_CYCLES. */
static bool wait_uip(bool level)
{
	uint64_t deadline = rdtsc() + UIP_WAIT_CYCLES;

	while (!!(cmos(0x0A) & RTC_A_UIP) != level)
		if (rdtsc() > deadline)
			return false;
	return true;
}

/* Half a minute from BCD seconds `sec`, in BCD. */
static uint8_t half_minute_on(uint8_t sec)
{
	int s = ((sec >> 4) * 10 + (sec & 0xF) + 30) % 60;

	return (uint8_t)((s / 10) << 4 | s % 10);
}

/* The alarm at the next update, as kvm-unit-tests sets it: right after an update ended; with
 * `far`, 30 s later (a run that ends while asleep). */
static void arm_alarm(struct s3_record *r, bool far)
{
	r->uip_rose = wait_uip(true);
	r->uip_fell = r->uip_rose && wait_uip(false);
	cmos(0x0C);                                 /* status C: clear pending flags */
	cmos_write(0x01, far ? half_minute_on(cmos(0x00)) : RTC_ALARM_ANY);
	cmos_write(0x03, RTC_ALARM_ANY);
	cmos_write(0x05, RTC_ALARM_ANY);
	cmos_write(0x0B, cmos(0x0B) | RTC_B_AIE);
}

static void diag(bool slept, uint32_t sts, uint8_t rtc_b, const struct s3_record *r, const struct boot *b)
{
	puts("# uip rose/uip fell/slept=");
	put_u32(r->uip_rose << 2 | r->uip_fell << 1 | slept);
	puts(" PM1_STS=");
	put_hex(sts);
	puts(" RTC B=");
	put_hex(rtc_b);
	puts(" online again=");
	put_u32(b->online);
	putc('\n');
}

/* The machine never slept, or had no FADT to sleep with: the check fails here. */
static void not_slept(const struct s3_record *r, const struct boot *b)
{
	tap_ok(false, "s3");
	diag(false, 0, cmos(0x0B), r, b);
}

void check_s3(struct boot *b)
{
	const uint8_t *fadt = acpi_find_fadt();
	struct s3_record *r = (struct s3_record *)(uintptr_t)RECORD_ADDR;
	uint32_t vector = WAKE_VECTOR;
	uint8_t *facs;

	if (!arg_value(b, "s3")) {
		tap_skip("s3", "no s3 argument");
		return;
	}
	*r = (struct s3_record){ .magic = RECORD_MAGIC, .action = b->action, .exit_value = b->exit_value,
				 .ncpus = b->fw.ncpus, .fifo = b->fifo };
	if (!fadt || rd32(fadt + 4) < FADT_PM1A_CNT_BLK + 4 || !(facs = (uint8_t *)(uintptr_t)rd32(fadt + FADT_FIRMWARE_CTRL)) ||
	    !rd32(fadt + FADT_PM1A_EVT_BLK) || !rd32(fadt + FADT_PM1A_CNT_BLK)) {
		not_slept(r, b);
		return;
	}
	r->pm1_evt = (uint16_t)rd32(fadt + FADT_PM1A_EVT_BLK);
	memcpy((void *)(uintptr_t)WAKE_VECTOR, wake_start, (size_t)(wake_end - wake_start));
	memcpy(facs + FACS_WAKING_VECTOR, &vector, 4);
	outw(r->pm1_evt, PM1_WAK_STS | PM1_RTC);   /* write 1 to clear: nothing left from boot */
	if (!arg_value(b, "nowake"))                /* `nowake`: the alarm is armed, but no wake */
		outw(r->pm1_evt + PM1_EN, PM1_RTC);
	arm_alarm(r, arg_value(b, "far") != NULL);
	uart_flush();
	r->tap_count = tap_count();
	r->tap_failures = tap_failures();
	outw((uint16_t)rd32(fadt + FADT_PM1A_CNT_BLK), PM1_SLEEP_S3);
	for (uint64_t end = rdtsc() + AWAKE_SPIN_CYCLES; rdtsc() < end;)
		cpu_relax();
	not_slept(r, b);                            /* still here: the write did not sleep */
}

/* From the waking vector (entry.asm), on a fresh stack, with the kernel's data as it was loaded
 * (QEMU) or as it was left (irqlab): only the record tells what happened before. */
void s3_resumed(void)
{
	const struct s3_record *r = (const struct s3_record *)(uintptr_t)RECORD_ADDR;
	static struct boot b;
	uint32_t sts;
	uint8_t rtc_b;

	outb(PIC1_DATA, 0xFF);                      /* the reset brought the 8259s and the UART */
	outb(PIC2_DATA, 0xFF);                      /* back as after power-on */
	uart_init(r->fifo);
	tap_resume(r->tap_count, r->tap_failures);
	b = (struct boot){ .action = r->action, .exit_value = r->exit_value, .fw.ncpus = r->ncpus };
	sts = inw(r->pm1_evt);
	rtc_b = cmos(0x0B);
	smp_bringup(&b);                            /* the other CPUs wait for INIT again */
	if (!tap_ok(r->magic == RECORD_MAGIC && r->uip_fell && (sts & PM1_WAK_STS) && !(rtc_b & RTC_B_AIE) &&
		    b.online == b.fw.ncpus, "s3"))
		diag(true, sts, rtc_b, r, &b);
	finish(&b);
}
