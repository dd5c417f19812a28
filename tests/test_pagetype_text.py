"""Page types in text mode: a forum thread or a listing told from the text itself (no markup), and
the content such a page keeps; an article stays an article when unsure."""

from cleaner import Cleaner
from cleaner.engine.pagetype import text_type

POSTS = [("alice", "Which tent would you take for a week in the Alps in September, and why that one?"),
         ("bob", "A light two-person tent with a good fly sheet, because the wind up there is strong."),
         ("carol", "I took a tunnel tent last year and it held up well in two storms on the ridge."),
         ("dave", "Mind the weight: every gram counts when you carry it up for six hours a day."),
         ("erin", "Thanks all, I ordered the light one and will report back after the trip.")]
THREAD = "".join(f"{name}\nMember\nRegistered: 2021-03-0{i + 1}\nPosts: {10 * (i + 1)}\n{text}\n"
                 f"{name} wrote: 2024-08-03 11:0{i}\nReply\n" for i, (name, text) in enumerate(POSTS))
ENTRIES = [("The House of Modernity", "Oliveira Andreotti", "A story told in the storytelling tradition of many peoples."),
           ("The Circular Root", "Emma Fromberg", "Experimenting with the metaphor of the forest to explore change."),
           ("Between Feminism and Practice", "Suzanne Lacy", "An interview exploring her approach to engaged art."),
           ("Manual for Social Change", "Lindsey Colbourne", "A blog about strategies for socially engaged art."),
           ("Art and Place", "Wanda Zyborska", "A blog exploring where the art is and whether it is any good."),
           ("Essaying Self", "Iain Biggs", "In this essay the author explores the idea of a wild place.")]
LISTING = "Library\n" + "".join(f"{title}\nBy {author}\n{blurb}\n" for title, author, blurb in ENTRIES)
ARTICLE = ("Council approves the bridge\nBy Jane Smith\n" + "The council approved the budget for the new bridge "
           "on Tuesday after a long debate about its cost and the years of closures it will bring.\n" * 8)


def test_a_thread_from_its_first_line_is_a_forum_and_keeps_its_posts():
    found = text_type(THREAD)
    assert found is not None and found.name == "forum" and "forum entry lines" in found.why
    result = Cleaner().clean(THREAD)
    assert (result.page_type, result.page_type_source) == ("forum", "detected")
    assert all(text in result.text for _, text in POSTS)


def test_a_page_of_entries_is_a_listing_and_keeps_their_bylines():
    assert text_type(LISTING).name == "listing"
    result = Cleaner().clean(LISTING)
    assert result.page_type == "listing" and "listing entry lines" in result.page_type_evidence
    assert all(f"By {author}" in result.text for _, author, _ in ENTRIES)


def test_an_article_stays_an_article():
    assert text_type(ARTICLE) is None
    result = Cleaner().clean(ARTICLE)
    assert (result.page_type, result.page_type_source) == ("article", "default")


def test_comments_after_an_article_do_not_make_it_a_forum():
    assert text_type(ARTICLE * 2 + THREAD) is None
    assert text_type(ARTICLE * 2 + LISTING) is None  # a list of related stories after it: still an article


def test_a_given_page_type_is_not_second_guessed():
    result = Cleaner().clean(THREAD, page_type="article")
    assert (result.page_type, result.page_type_source) == ("article", "given")


def test_a_thread_of_long_posts_is_still_a_forum():
    long_posts = THREAD.replace("\nReply\n", "\n" + "I tried every tent in the shop and wrote down how each one stood up.\n" * 40)
    assert text_type(long_posts).name == "forum"
    assert text_type(LISTING.replace("\nBy ", "\n" + "A long review of the book follows here in full.\n" * 30 + "By ")) is None


TOOLS = ["Ada", "Awk", "Bash", "Clojure", "Cobol", "Dart", "Elixir", "Erlang", "Forth", "Fortran", "Go", "Haskell",
         "Java", "Julia", "Kotlin", "Lisp", "Lua", "Nim", "OCaml", "Pascal", "Perl", "Prolog", "Ruby", "Rust", "Scala",
         "Scheme", "Smalltalk", "Swift", "Tcl", "Zig"]
INDEX = ("Programming languages\nAn index of programming languages, old and new, by name.\n"
         + "".join(f"- {name}\n- {name} (a dialect)\n- {name} for the web\n" for name in TOOLS))


def test_a_page_of_short_entries_is_a_listing_and_keeps_them():
    found = text_type(INDEX)
    assert found is not None and found.name == "listing" and "all entries" in found.why
    result = Cleaner().clean(INDEX)
    assert result.page_type == "listing"
    assert all(f"- {name}" in result.text.splitlines() for name in TOOLS)


def test_an_article_under_a_menu_stays_an_article_and_loses_the_menu():
    menu = "".join(f"{label}\n" for label in ("Home", "World", "Politics", "Business", "Tech", "Sport"))
    body = "".join(f"The council met for the {day} time this week and talked about the bridge, its cost and its "
                   f"closures.\n" for day in ("first", "second", "third", "fourth", "fifth", "sixth"))
    text = menu + "\n" + body
    assert text_type(text) is None
    assert "Politics" not in Cleaner().clean(text).text


def test_a_short_text_of_short_lines_says_nothing():
    assert text_type("".join(f"- {name}\n" for name in TOOLS[:12])) is None


SHEETS = [("Luxe Sateen", "Smooth, soft, lustrous", "Most sleepers"), ("Classic Percale", "Crisp, cool, matte", "Hot sleepers"),
          ("Washed Percale", "Cool, soft, relaxed", "Year-round comfort")]
PRODUCT = ("Classic Core Sheet Set\nSize Guide\nAdd to cart\n"
           "Our fitted sheets are made to fit mattresses up to sixteen inches deep, and they keep their shape for years.\n"
           "Meet Our Sheets\n" + "".join(f"{name}\n{feel}\nIdeal for:\n{who}\nFabric Content\n100% cotton\n"
                                         for name, feel, who in SHEETS))


def test_a_buy_box_at_the_top_is_a_product_and_keeps_its_short_details():
    found = text_type(PRODUCT)
    assert found is not None and found.name == "product" and "'Size Guide'" in found.why
    result = Cleaner().clean(PRODUCT)
    assert result.page_type == "product"
    assert all(f"{name}\n{feel}" in result.text for name, feel, _ in SHEETS)


def test_a_deal_box_after_an_article_body_does_not_make_it_a_product():
    assert text_type(ARTICLE + "Add to cart\nIn stock\n") is None


MACS = ["MacBook Air", "MacBook Pro", "iMac", "Mac mini", "Mac Studio", "Mac Pro"]
SHOP = ("Buy Mac\nAll models\n" + "".join(f"New\n{name}\nFootnote\n${1000 + 100 * i}\nor ${90 + i}.58/mo.\nBuy\n"
                                          for i, name in enumerate(MACS)))


def test_a_page_of_priced_cards_is_a_collection_and_keeps_its_cards():
    found = text_type(SHOP)
    assert found is not None and found.name == "collection" and "price alone" in found.why
    result = Cleaner().clean(SHOP)
    assert result.page_type == "collection"
    assert all(f"\n{name}\nFootnote\n" in result.text for name in MACS)


def test_an_article_about_prices_stays_an_article():
    prices = "".join(f"${10 * i}.99\n" for i in range(1, 13))
    assert text_type(ARTICLE + prices) is None  # its paragraphs are most of the text


def test_a_thread_that_numbers_its_posts_is_a_forum():
    numbered = "Which tent for the Alps?\nReply\n" + "".join(f"#{i}\n{text}\n" for i, (_, text) in enumerate(POSTS * 2, 1))
    assert text_type(numbered).name == "forum"  # '#1', '#2' alone: a thread's post numbers (a shop's ranks look alike)


LETTERS = ("Category: Programming languages\nThis category lists programming languages, with their own pages.\n"
           + "".join(f"{name[0]}\n- {name}\n" for name in ("Ada", "Bash", "Clojure", "Dart", "Elixir", "Forth"))
           + "H\nJ\nK\nL\n- Lua\n")


def test_letter_headings_with_entries_under_them_are_a_listing_and_stay():
    found = text_type(LETTERS)
    assert found is not None and found.name == "listing" and "letter headings" in found.why
    kept = Cleaner().clean(LETTERS).text.splitlines()
    assert all(letter in kept for letter in "ABCDEFHJKL")


def test_an_a_to_z_menu_over_an_article_is_no_index():
    menu = "".join(f"{letter}\n" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert text_type(menu + ARTICLE) is None  # its letters side by side, no entry under any


CATEGORIES = ["Apartment", "Bar/Social Club", "Beach House", "Beauty/Spa", "Boutique Hotel", "Budget", "Casual Dining",
              "Chain Hotel", "City House", "Coffee/Tea", "Country Getaway", "Early Education", "Fine Dining", "Fitness",
              "Graphics + Branding", "Health + Wellness", "Hotel Dining", "Kids Zone", "Kitchen + Bath", "Large Retail",
              "Library", "Museum/Art Gallery", "On the Boards: Commercial", "On the Boards: Single-Family Residential",
              "Outdoor Space", "Resort", "Senior Living", "Shining Moment", "Small Retail", "Social Impact", "Transportation"]
AWARDS = ("Explore the 2025 Best of Year Award Winners\nThe annual awards recognise standout projects and products across "
          "the design industry, chosen by a jury of architects and designers from around the world this year.\n"
          "Winners and Honorees\n" + "".join(f"{name}\n" + ("- Honoree The Harbour Hotel by Studio North, London\n" if i % 3 == 1 else "")
                                             for i, name in enumerate(CATEGORIES)))


def test_an_index_in_alphabetical_order_is_a_listing_and_keeps_its_entries():
    found = text_type(AWARDS)
    assert found is not None and found.name == "listing" and "alphabetical order" in found.why
    kept = Cleaner().clean(AWARDS).text.splitlines()
    assert all(name in kept for name in CATEGORIES)


def test_a_sorted_link_list_under_a_longer_article_is_no_index():
    cities = ["Atlanta", "Austin", "Baltimore", "Boston", "Charlotte", "Chicago", "Dallas", "Denver", "Detroit", "Houston"]
    links = "".join(f"Average Costs for Cleaning Services in {city}\n" for city in cities)
    assert text_type(ARTICLE * 2 + links) is None  # the article's prose outweighs its site's link list
    assert text_type("".join(f"{city}\n" for city in cities * 3)) is None  # a short text says nothing


STAMPED = "Latest News\n" + "".join(f"{title}\n{author}\n{stamp}\n{blurb}\n" for (title, author, blurb), stamp in
                                    zip(ENTRIES, ("2 hours ago", "5 hours ago", "an hour ago", "Mar 7, 2026 | 4 min read",
                                                  "3 days ago", "Mar 6, 2026 · 12 min read")))


def test_entries_stamped_with_their_age_or_reading_time_are_a_listing():
    found = text_type(STAMPED)
    assert found is not None and found.name == "listing" and "listing entry lines" in found.why
    stamped_article = ARTICLE.replace("By Jane Smith", "5 hours ago")
    assert text_type(stamped_article * 2 + STAMPED) is None  # an article's own stamp, related stories after it


SOFA = ("Atelier Sofa\nAbout this piece\nA deep three-seat sofa on a solid oak base.\nFabric composition\n"
        "Lightfastness\nDurability\nCare\nDetails\nWe offer a warranty on every piece, in addition to your rights "
        "under the consumer law, and deliver it to your room.\n")


def test_a_products_spec_headings_at_the_top_make_it_a_product_and_stay():
    found = text_type(SOFA)  # no buy box in the text: its spec headings ('Fabric composition') are a shop's
    assert found is not None and found.name == "product" and "'Fabric composition'" in found.why
    assert all(label in Cleaner().clean(SOFA).text.splitlines() for label in ("Lightfastness", "Durability", "Care"))
    assert text_type(ARTICLE + "Specifications\nDimensions\n") is None  # after an article's body: still an article


def test_a_best_seller_list_that_ranks_its_cards_is_no_thread():
    name = "with a breathable mesh upper, a grippy sole and a padded collar for long days"  # (as long as prose)
    cards = "".join(f"#{i}\nTrail shoe model {i} {name}\n4.{i % 10} out of 5 stars\n1,20{i}\n${i}9.99\n"
                    for i in range(1, 13))
    assert text_type("Best Sellers in Shoes\n" + cards) is None  # ranks over priced cards, not post numbers


def test_a_thread_keeps_the_dates_of_its_posts():
    dated = THREAD.replace("\nReply\n", "\nPosted April 18, 2024\nReply\n") + POSTS[0][1] + "\n"  # (a last post)
    result = Cleaner().clean(dated)
    assert result.page_type == "forum" and result.text.count("Posted April 18, 2024") == len(POSTS)
    story = "The council approved the budget for the bridge on Tuesday.\nPosted April 18, 2024\nWork starts in May."
    assert "Posted April 18, 2024" not in Cleaner().clean(story).text  # an article's stamp goes
