"""The app as gunicorn serves it, plus one bare route for the benchmarks' baseline.

    gunicorn -c gunicorn.conf.py bench.wsgi:app

``/bench/bare`` goes through the same server, workers, middleware and request hooks as every page
of Rungs, and returns a constant: the ceiling a page's throughput is compared with. It exists only
here, never in the product.
"""
from tracker import create_app

app = create_app()


@app.route("/bench/bare")
def bare():
    return "ok"
