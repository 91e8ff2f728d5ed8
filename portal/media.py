"""Media in an S3-compatible bucket: pictures on lasting public addresses, the rest private.

Pages are cached whole, so the pictures they show need addresses that last: the bucket policy
(deploy/bucket-policy.json) lets anyone read Wagtail's renditions and originals, and their
addresses carry no signature. Everything else, documents above all, may belong to a private
collection: nobody may read it from the bucket, and Wagtail's document view
(`/documents/<id>/<file>`), after its privacy checks, redirects the reader to an address signed
for a minute. portal/urls.py keeps every cache from storing that redirect.
"""

from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# What the bucket policy lets anyone read: Wagtail's renditions and original pictures.
PUBLIC_FOLDERS = ("images/", "original_images/")


def is_public(name):
    return clean_name(name).startswith(PUBLIC_FOLDERS)


class MediaStorage(S3Storage):
    # Two uploads named photo.jpg are two files, as on disk; S3Storage would overwrite.
    file_overwrite = False
    # Pictures' addresses are plain: pages are cached whole, and signed addresses expire.
    querystring_auth = False
    # How long a document's signed address works: enough to follow the redirect and start the
    # download. A reader who comes back later follows the page's link again for a fresh one.
    querystring_expire = 60
    # botocore signs addresses with version 2 unless told otherwise, which AWS regions opened
    # since 2014 and S3-compatible providers such as R2 refuse.
    signature_version = "s3v4"

    def url(self, name, parameters=None, expire=None, http_method=None):
        if is_public(name):
            return super().url(name, parameters, expire, http_method)
        # Signed against the bucket itself even when a CDN serves the pictures
        # (AWS_S3_CUSTOM_DOMAIN): a CDN would keep the file for anyone who asks after.
        params = {
            **(parameters or {}),
            "Bucket": self.bucket.name,
            "Key": self._normalize_name(clean_name(name)),
        }
        return self.connection.meta.client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )

    def get_object_parameters(self, name):
        # Sent by the bucket with the file: browsers and CDNs may keep a picture for a day,
        # and no shared cache may keep a document.
        cache_control = "public, max-age=86400" if is_public(name) else "private"
        return {**super().get_object_parameters(name), "CacheControl": cache_control}
