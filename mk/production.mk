# Production stack (issue 7): nginx + Rasa replicas + action servers on PostgreSQL and Redis.
# Settings: var/prod/production.env (created from deploy/production.env.example).
.PHONY: nginx prod-up prod-down prod-bench

nginx: ## Install nginx from the Debian packages (only when missing)
	@deploy/install_nginx.sh

prod-up: train nginx ## Start the production stack in the background (nginx on 8480, 2 replicas)
	@scripts/prod_up.sh

prod-down: ## Stop the production stack started by make prod-up
	@scripts/prod_down.sh

# Uses the ports of prod-up (5401/5402, 5451/5452, 8480) and 5409: run `make prod-down` first.
prod-bench: train nginx ## Load benchmark: 1 process, 2 replicas behind nginx, plain rasa init (writes bench/results/)
	@TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1 $(PY) bench/load_bench.py --duration 20 --warmup 3 \
	  --env TF_INTRA_OP_PARALLELISM_THREADS=1 --env TF_INTER_OP_PARALLELISM_THREADS=1 --env OMP_NUM_THREADS=1

TEST_PREREQS += nginx
