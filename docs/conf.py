"""Sphinx configuration of the sksigmoid documentation."""

import os
import warnings

import sksigmoid

project = "sksigmoid"
author = "The sksigmoid developers"
copyright = "2026, The sksigmoid developers"
release = sksigmoid.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    # MathJax bundled into the built site: the maths renders offline too
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]

autosummary_generate = True
# Inherited scikit-learn methods are not repeated: their docstrings point into
# scikit-learn's own documentation.
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

html_theme = "pydata_sphinx_theme"
html_title = f"sksigmoid {release}"
html_theme_options = {"navigation_with_keys": False}

intersphinx_mapping = {}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "plot_gallery": os.environ.get("SKSIGMOID_DOCS_PLOT_GALLERY", "True"),
    "download_all_examples": False,
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("sksigmoid",),
    "remove_config_comments": True,
    # the computation-times pages load DataTables from a CDN: the built site
    # must be self-contained (checked by .ci/run)
    "write_computation_times": False,
}

# matplotlib warns when a figure is shown by a non-GUI backend; the gallery
# scraper collects figures itself.
warnings.filterwarnings("ignore", message="FigureCanvasAgg is non-interactive")


def _skip_metadata_routing(app, what, name, obj, skip, options):
    """Hide the metadata-routing methods scikit-learn generates on every estimator.

    Their docstrings refer to labels of scikit-learn's own documentation.
    """
    if name == "get_metadata_routing" or (
        name.startswith("set_") and name.endswith("_request")
    ):
        return True
    return skip


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_routing)
