// Turns a title into a lowercase URL slug: words joined by single dashes.
function slugify(title) {
  return title
    .toLowerCase()
    .trim()
    .replace(/[^a-z0-9]/g, '-')
    .replace(/^-+|-+$/g, '');
}

module.exports = { slugify };
