"""Deploying jamak to AWS (``jamak aws deploy`` / ``destroy``): operator tooling, apart from the
runtime adapters in :mod:`jamak.backends.aws`.

:mod:`jamak.deploy.aws` orders the stacks and builds the images; :mod:`jamak.deploy.stacks`
drives CloudFormation. The templates themselves live in the checkout's ``deploy/`` folder,
which the deployer reads from the source tree it builds the images from.
"""
