# Measurement (issues 2 and 3): benchmark over REST and the NLU quality gate.
# `make bench` measures the assistant at BENCH_URL, or starts one itself (free ports) when none runs.
BENCH_URL   ?= http://127.0.0.1:$(RASA_PORT)
BENCH_TOKEN ?=
TRAIN       ?=
BENCH_ARGS  ?=

.PHONY: bench nlu-quality nlu-quality-train

bench: $(if $(filter 1 yes true,$(TRAIN)),install,train) ## Benchmark: dev-question accuracy, latency, memory (TRAIN=1: also time rasa train) -> bench/results/latest.md
	@$(PY) bench/run_bench.py --url $(BENCH_URL) $(if $(BENCH_TOKEN),--token $(BENCH_TOKEN)) \
		$(if $(filter 1 yes true,$(TRAIN)),--train) $(BENCH_ARGS)

nlu-quality: train ## NLU quality gate: macro-F1 >= 0.90 on the held-out dev questions -> results/nlu_quality.md
	@TF_CPP_MIN_LOG_LEVEL=2 $(PY) scripts/nlu_quality_gate.py

nlu-quality-train: install ## NLU report: macro-F1 on held-out training examples (trains on 80%) -> results/nlu_quality_train_split.md
	@TF_CPP_MIN_LOG_LEVEL=2 $(PY) scripts/nlu_quality_gate.py --split train
