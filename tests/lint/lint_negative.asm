; Input for test_lint.py: functions the instruction lint must report and ones it must not.
bits 64
section .text

global not_allowed, check_unlisted, listed_func, padded_func

not_allowed:            ; reported: popcnt, and the function is in no allow-list
	popcnt rax, rbx
	ret

check_unlisted:         ; reported: a check_ name alone no longer exempts anything
	int3
	ret

listed_func:            ; not reported: the allow-list test_lint.py writes names it
	popcnt rcx, rdx
	ret

padded_func:            ; not reported: int3 after ret is padding that never runs
	xor eax, eax
	ret
	int3

section .note.GNU-stack noalloc noexec nowrite progbits
